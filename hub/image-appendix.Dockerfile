# Added to the end of the course image's Dockerfile by repo2docker (docs/jupyterhub.md):
#   jupyter-repo2docker --target-repo-dir /srv/course --appendix "$(cat hub/image-appendix.Dockerfile)" ...
# repo2docker has already installed binder/requirements.txt and course_lib (binder/postBuild) by then.

# nbgitpuller: lets an instructor hand out a link that pulls the course's repository into each
# student's home (the /hub/user-redirect/git-pull?... links of docs/jupyterhub.md).
RUN python -m pip install --no-cache-dir nbgitpuller==1.3.0

# MNIST inside the image, where COURSE_MNIST_PATH (hub/z2jh-values.yaml) points: students' homes are
# volumes, so a copy cached there would be downloaded once per student instead.
RUN KERAS_HOME=/srv/course/.keras python -m course_lib.data --ensure
